/**
 * The reports dashboard and its JSON API ({@code mailward reports serve}): Javalin, JTE templates precompiled at
 * build time (src/main/jte), htmx and Chart.js from WebJars. It only reads: every figure comes from
 * {@link org.mailward.reports.DashboardQueries} and the rollout advice from {@link org.mailward.reports.RolloutAdvisor},
 * so pages, API and CLI agree.
 *
 * <pre>
 *  request ─▶ WebServer.guard ─ security headers; session cookie (Sessions) or Bearer token (Credentials);
 *             │                 CSRF token on every POST made with a session
 *             ├─▶ page routes ─▶ DashboardQueries / RolloutAdvisor ─▶ JTE template ─▶ HTML
 *             └─▶ /api/v1/... ─▶ DashboardQueries / RolloutAdvisor ─▶ Jackson ─▶ JSON
 * </pre>
 *
 * Passwords: PBKDF2-HMAC-SHA256, 600,000 iterations ({@link org.mailward.web.PasswordHasher}); API tokens are
 * stored as SHA-256 (migration V2). Sessions live in memory.
 */
package org.mailward.web;
