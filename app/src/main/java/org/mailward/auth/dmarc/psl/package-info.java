/**
 * The Public Suffix List (publicsuffix.org; MPL-2.0): public suffixes and registrable domains, used for the
 * RFC 7489 3.2 Organizational Domain. ICANN and PRIVATE sections, wildcard and exception rules, IDN names as
 * A-labels. A copy (snapshot 2023-02-09) ships as a resource next to its licence; operators load a newer file.
 */
package org.mailward.auth.dmarc.psl;
