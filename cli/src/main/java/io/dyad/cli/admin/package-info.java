/**
 * A daemon's admin port: {@code /metrics}, {@code /health} and {@code /status} over HTTP/1.1, served by a small
 * Netty server that bounds what clients can hold — connections (in all and per address), the time a request may
 * take to arrive and a reply to be taken, the size of a request — so that no client can keep {@code /health} from
 * answering.
 */
package io.dyad.cli.admin;
