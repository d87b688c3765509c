/**
 * Partner addresses (claims 2, 3, 12 and 13 of the seed): two partners' addresses differ only in the subnet
 * portion, so either can be derived from the other and the two centers' subnets.
 */
package io.dyad.coordinator.address;
