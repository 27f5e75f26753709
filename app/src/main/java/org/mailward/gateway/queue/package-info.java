/**
 * The spool (after Postfix): the only hand-off between receiving and delivering. One directory per message,
 * {@code <state>/<queue id>/} holding {@code message.eml} (the content, never changed) and {@code envelope.json}
 * (sender, recipients and their delivery status, attempts). States are directories under {@code <data>/spool}:
 *
 * <pre>
 *   incoming --(fsync files + dir, atomic rename)--&gt; active --(temporary failure)--&gt; deferred --(retry time)--&gt; active
 *                                                     |  \--(policy: enforced TLS unavailable, admin)--&gt; hold
 *                                                     \--(all recipients delivered or bounced)--&gt; removed
 *   unreadable envelope / missing content at start --&gt; corrupt
 * </pre>
 *
 * A message is acknowledged (250) only after it is in {@code active} and both directories are fsynced; anything
 * left in {@code incoming} at start was never acknowledged and is removed. A message leaves the spool only when
 * delivered, bounced or deliberately deleted.
 */
package org.mailward.gateway.queue;
