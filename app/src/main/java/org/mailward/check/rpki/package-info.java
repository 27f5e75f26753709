/**
 * RPKI route origin validation for the checker's optional RPKI module (CHECKS.md 13, RFC 6811): validated ROA
 * payloads read from a relying-party export ({@link Vrps}, the JSON of rpki-client / Routinator), route announcements
 * read from a prefix-to-origin table ({@link Routes}), and the RFC 6811 section 2 decision ({@link OriginValidation}).
 *
 * <pre>
 *   --rpki-vrps FILE ─► Vrps ──┐
 *                              ├─► OriginValidation.validate(address) ─► VALID / INVALID / NOT_FOUND per announcement
 *   --rpki-routes FILE ─► Routes┘
 * </pre>
 *
 * No live BGP or RPKI data source is used: both inputs are files the operator supplies.
 */
package org.mailward.check.rpki;
