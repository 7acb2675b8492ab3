package io.orderkpi.core;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The packages of kpi-core depend on each other one way only: value packages below the SPIs,
 * the SPIs below the services, the facade on top. Every package is its own slice, the facade's
 * {@code io.orderkpi.core} included, so a cycle through any of them fails this test.
 */
class PackageDependencyTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.orderkpi.core");

    /** Each package of kpi-core is one slice; classes elsewhere are ignored. */
    private static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            return name.startsWith("io.orderkpi.core") ? SliceIdentifier.of(name) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the packages of kpi-core";
        }
    };

    @Test
    void noPackageCycle() {
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().check(CORE);
    }
}
