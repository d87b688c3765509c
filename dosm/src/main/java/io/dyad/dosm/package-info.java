/**
 * The DOSM (distributed object storage manager): the client-facing object gateway. It places each object on
 * one storage pair ({@link io.dyad.dosm.Placement}), writes both partners and acknowledges only when both
 * committed or one committed with a durable hint ({@link io.dyad.dosm.PutOperation}), reads from whichever
 * member serves and falls back to the partner at once ({@link io.dyad.dosm.ObjectReader}), searches the
 * storage centers for objects that are not where placement says ({@link io.dyad.dosm.ObjectSearch}), and
 * follows failover through the cluster view.
 */
package io.dyad.dosm;
