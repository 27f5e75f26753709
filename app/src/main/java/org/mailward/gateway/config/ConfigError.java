package org.mailward.gateway.config;

/** One configuration error and where it is (1-based line and column; 0 when the file as a whole is meant). */
public record ConfigError(int line, int column, String message) {
}
