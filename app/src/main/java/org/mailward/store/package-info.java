/**
 * Storage: one relational database behind JDBC, an embedded H2 file database by default (under the data
 * directory, in PostgreSQL compatibility mode) or PostgreSQL by JDBC URL for production and several nodes. The
 * schema is owned by Flyway migrations in {@code db/migration} (one set for both engines); HikariCP pools the
 * connections.
 *
 * <pre>
 *   reports / gateway / web  (own their SQL, use plain JDBC)
 *          |
 *   Database   (open: H2 file or PostgreSQL URL; Flyway migrate; HikariCP pool)
 *   Retention  (settings table; delete reports older than N days)
 *          |
 *   db/migration/V*.sql
 * </pre>
 *
 * Only SQL accepted by both engines goes into the migrations: BIGINT epoch seconds for times (no time zone
 * surprises), VARCHAR without length for text, BYTEA for raw bytes, identity columns.
 */
package org.mailward.store;
