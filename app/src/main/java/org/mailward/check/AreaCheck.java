package org.mailward.check;

import java.util.List;

/**
 * One area of CHECKS.md: turns the shared evidence of a domain into findings with the catalogue's ids. Areas run in
 * the runner's order; {@code earlier} holds the findings of the areas before (for cross-checks such as
 * MTASTS-ENFORCE-WILL-FAIL).
 */
public interface AreaCheck {
    Area area();

    List<Finding> check(DomainEvidence evidence, List<Finding> earlier);
}
