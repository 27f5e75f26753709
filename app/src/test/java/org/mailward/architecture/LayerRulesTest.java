package org.mailward.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layers of DESIGN.md, arrows pointing down only (docs/adr/0001-layers-enforced-by-archunit.md):
 * dns, then auth, then smtp/records/store, then gateway/check/reports, then app/web.
 */
class LayerRulesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mailward");

    @Test
    void layersOnlyDependDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("dns").definedBy("org.mailward.dns..")
                .layer("auth").definedBy("org.mailward.auth..")
                .layer("smtp").definedBy("org.mailward.smtp..")
                .layer("records").definedBy("org.mailward.records..")
                .layer("store").definedBy("org.mailward.store..")
                .layer("gateway").definedBy("org.mailward.gateway..")
                .layer("check").definedBy("org.mailward.check..")
                .layer("reports").definedBy("org.mailward.reports..")
                .layer("web").definedBy("org.mailward.web..")
                .layer("app").definedBy("org.mailward.app..")

                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("web").mayOnlyBeAccessedByLayers("app")
                .whereLayer("gateway").mayOnlyBeAccessedByLayers("app", "web")
                .whereLayer("check").mayOnlyBeAccessedByLayers("app", "web", "gateway")
                .whereLayer("reports").mayOnlyBeAccessedByLayers("app", "web", "gateway")
                .whereLayer("smtp").mayOnlyBeAccessedByLayers("gateway", "check", "reports", "app", "web")
                .whereLayer("records").mayOnlyBeAccessedByLayers("gateway", "check", "reports", "app", "web")
                .whereLayer("store").mayOnlyBeAccessedByLayers("gateway", "check", "reports", "app", "web")
                .whereLayer("auth").mayOnlyBeAccessedByLayers("smtp", "records", "store", "gateway", "check", "reports", "app", "web")
                .whereLayer("dns").mayOnlyBeAccessedByLayers("auth", "smtp", "records", "store", "gateway", "check", "reports", "app", "web")
                .check(CLASSES);
    }
}
