/**
 * Finding objects that are not where placement says (claims 7-10 and 17-20 of the seed): the UDP multicast
 * "who has this object?" protocol shared by storage nodes (which answer) and DOSMs (which ask).
 */
package io.dyad.search;
