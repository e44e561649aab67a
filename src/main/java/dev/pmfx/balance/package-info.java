/**
 * One balancer per public port of a cluster app: routing, draining, retries and per-worker request
 * metrics. Knows a worker only by its address.
 */
package dev.pmfx.balance;
