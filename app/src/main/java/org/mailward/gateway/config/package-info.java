/**
 * The gateway configuration: one YAML file (mailward.yml), read into immutable values and validated as a whole
 * at start, every error pointing at its line and column. Documented key by key in docs/configuration.md.
 */
package org.mailward.gateway.config;
