/** Which directory pair holds each volume of the namespace ({@code /dyad/volumes}). */
package io.dyad.coordinator.volumes;
