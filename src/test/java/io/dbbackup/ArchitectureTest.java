package io.dbbackup;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The package arrows of DESIGN.md: cli → job → pipeline/config → spi → core; plugins are never imported. */
class ArchitectureTest {
    private static JavaClasses classes;

    /**
     * Our classes only: the rules judge their dependencies and calls, which ArchUnit records (as stubs naming class,
     * package, method and parameter types) without reading the JDK's and the libraries' classes from the class path,
     * which took most of this test's 17 s ({@link #theRulesSeeTheDependenciesAndCallsTheyJudge} keeps that true).
     */
    @BeforeAll
    static void load() {
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        try {
            classes = new ClassFileImporter()
                    .withImportOption(location -> !location.contains("/test-classes/") && !location.contains("/test-plugins/"))
                    .importPackages("io.dbbackup");
        } finally {
            ArchConfiguration.get().reset();
        }
    }

    /**
     * A guard (passed before too): rules that must fail on the classes as imported do, so that a dependency or a call
     * outside our classes (a library's, the JDK's) is still seen without its class being read.
     */
    @Test
    void theRulesSeeTheDependenciesAndCallsTheyJudge() {
        assertThatThrownBy(() -> noClasses().that().resideInAPackage("io.dbbackup.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.dbbackup.job..").check(classes))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> noClasses().that().resideInAPackage("io.dbbackup.retention..")
                .should().dependOnClassesThat().resideInAPackage("java.time..").check(classes))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> noClasses().that().resideInAPackage("io.dbbackup.config..")
                .should().dependOnClassesThat().resideInAPackage("org.snakeyaml..").check(classes))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> noClasses().should().callMethod(String.class, "toLowerCase", Locale.class).check(classes))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void layersFollowTheDesign() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("io.dbbackup.cli..")
                .layer("job").definedBy("io.dbbackup.job..")
                .layer("config").definedBy("io.dbbackup.config..")
                .layer("pipeline").definedBy("io.dbbackup.pipeline..")
                .layer("codec").definedBy("io.dbbackup.codec..")
                .layer("retention").definedBy("io.dbbackup.retention..")
                .layer("plugin").definedBy("io.dbbackup.plugin..")
                .layer("spi").definedBy("io.dbbackup.spi..")
                .layer("core").definedBy("io.dbbackup.core..")
                .layer("implementations").definedBy("io.dbbackup.engine..", "io.dbbackup.store..", "io.dbbackup.notify..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("job").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "job")
                .whereLayer("pipeline").mayOnlyBeAccessedByLayers("job")
                .whereLayer("plugin").mayOnlyBeAccessedByLayers("job")
                .whereLayer("retention").mayOnlyBeAccessedByLayers("job", "cli")
                .whereLayer("codec").mayOnlyBeAccessedByLayers("pipeline", "job", "config", "implementations")
                .whereLayer("spi").mayOnlyBeAccessedByLayers("job", "config", "pipeline", "plugin", "implementations")
                .whereLayer("implementations").mayNotBeAccessedByAnyLayer()
                .check(classes);
    }

    @Test
    void coreDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("io.dbbackup.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.dbbackup.cli..", "io.dbbackup.job..",
                        "io.dbbackup.config..", "io.dbbackup.pipeline..", "io.dbbackup.codec..", "io.dbbackup.retention..",
                        "io.dbbackup.plugin..", "io.dbbackup.spi..", "io.dbbackup.engine..", "io.dbbackup.store..",
                        "io.dbbackup.notify..")
                .check(classes);
    }

    @Test
    void retentionIsPureLogic() {
        noClasses().that().resideInAPackage("io.dbbackup.retention..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..",
                        "io.dbbackup.spi..", "io.dbbackup.config..", "io.dbbackup.job..")
                .check(classes);
    }

    @Test
    void implementationsReachOnlySpiCodecAndCore() {
        noClasses().that().resideInAnyPackage("io.dbbackup.engine..", "io.dbbackup.store..", "io.dbbackup.notify..")
                .should().dependOnClassesThat().resideInAnyPackage("io.dbbackup.cli..", "io.dbbackup.job..",
                        "io.dbbackup.config..", "io.dbbackup.pipeline..", "io.dbbackup.plugin..", "io.dbbackup.retention..")
                .check(classes);
    }

    /**
     * Case conversion and formatting name their locale: the default one is the host's (LANG, -Duser.language), under
     * which "info".toUpperCase() is "İNFO" (tr) and "%d" gives ٤ (ar, fa, th). Main sets the root locale as the default,
     * but the classes also run where Main did not (tests, the training run), and the rule keeps new code from relying on it.
     */
    @Test
    void caseAndNumbersDoNotDependOnTheDefaultLocale() {
        noClasses().should().callMethod(String.class, "toLowerCase")
                .orShould().callMethod(String.class, "toUpperCase")
                .orShould().callMethod(String.class, "format", String.class, Object[].class)
                .orShould().callMethod(String.class, "formatted", Object[].class)
                .orShould().callMethod(PrintWriter.class, "printf", String.class, Object[].class)
                .orShould().callMethod(PrintWriter.class, "format", String.class, Object[].class)
                .orShould().callMethod(PrintStream.class, "printf", String.class, Object[].class)
                .orShould().callMethod(PrintStream.class, "format", String.class, Object[].class)
                .because("the host's locale must not change keys, JSON, metrics or tables: pass Locale.ROOT")
                .check(classes);
    }
}
