package io.dyad.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/development.md, checked on the compiled classes of every module: modules depend
 * downward only (thrift, common, coordinator, the roles, cli; the client on thrift and common alone), only the
 * coordinator touches ZooKeeper, and the generated Thrift types stay at the edges.
 */
class ModuleRulesTest {
  private static final String COMMON = "io.dyad.common..";
  private static final String RPC = "io.dyad.rpc..";
  private static final String SEARCH = "io.dyad.search..";
  private static final String COORDINATOR = "io.dyad.coordinator..";
  private static final String NODE = "io.dyad.node..";
  private static final String DOSM = "io.dyad.dosm..";
  private static final String DDM = "io.dyad.ddm..";
  private static final String CLIENT = "io.dyad.client..";
  private static final String CLI = "io.dyad.cli..";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.dyad");
    // the rules below would pass on nothing: make sure every module's classes were found
    for (Class<?> c : new Class<?>[] {io.dyad.common.ObjectId.class, io.dyad.rpc.StorageNodeClient.class,
        io.dyad.coordinator.ZkSession.class, io.dyad.node.server.StorageNode.class, io.dyad.dosm.Dosm.class,
        io.dyad.ddm.directory.DirectoryMember.class,
        io.dyad.client.DyadClient.class, Dyad.class, io.dyad.thrift.ObjectGateway.class}) {
      org.assertj.core.api.Assertions.assertThat(classes.contain(c)).as("imported %s", c.getName()).isTrue();
    }
  }

  @Test
  void onlyTheCoordinatorAndTheEmbeddedServersLauncherTouchZooKeeper() {
    noClasses().that().resideOutsideOfPackage(COORDINATOR)
        .and().doNotHaveFullyQualifiedName(EmbeddedZooKeeper.class.getName())
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.zookeeper..", "org.apache.curator..")
        .check(classes);
  }

  @Test
  void commonCodeDependsOnNoCoordinationNoRoleAndNoClient() {
    noClasses().that().resideInAnyPackage(COMMON, RPC, SEARCH)
        .should().dependOnClassesThat().resideInAnyPackage(COORDINATOR, NODE, DOSM, DDM, CLIENT, CLI)
        .check(classes);
  }

  @Test
  void theCoordinatorDependsOnNoRole() {
    noClasses().that().resideInAPackage(COORDINATOR)
        .should().dependOnClassesThat().resideInAnyPackage(NODE, DOSM, DDM, CLIENT, CLI)
        .check(classes);
  }

  @Test
  void noRoleDependsOnAnotherRole() {
    noClasses().that().resideInAPackage(NODE).should().dependOnClassesThat()
        .resideInAnyPackage(DOSM, DDM, CLIENT, CLI).check(classes);
    noClasses().that().resideInAPackage(DOSM).should().dependOnClassesThat()
        .resideInAnyPackage(NODE, DDM, CLIENT, CLI).check(classes);
    noClasses().that().resideInAPackage(DDM).should().dependOnClassesThat()
        .resideInAnyPackage(NODE, DOSM, CLIENT, CLI).check(classes);
  }

  @Test
  void theClientNeedsOnlyTheIdlAndCommonCode() {
    noClasses().that().resideInAPackage(CLIENT)
        .should().dependOnClassesThat().resideInAnyPackage(COORDINATOR, NODE, DOSM, DDM, CLI)
        .check(classes);
  }

  @Test
  void theNamespaceStoreKnowsNothingOfTheCluster() {
    noClasses().that().resideInAPackage("io.dyad.ddm.namespace..")
        .should().dependOnClassesThat().resideInAnyPackage(COORDINATOR, "io.dyad.ddm.directory..")
        .check(classes);
  }

  @Test
  void theCoordinatorsPackagesHaveNoCycles() {
    slices().matching("io.dyad.coordinator.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void generatedThriftTypesDoNotLeakThroughTheStorageNodeClient() {
    methods().that().areDeclaredIn(io.dyad.rpc.StorageNodeClient.class).and().arePublic()
        .should(new ArchCondition<JavaMethod>("take and return no generated Thrift type") {
          @Override
          public void check(JavaMethod m, ConditionEvents events) {
            java.util.List<JavaClass> types = new java.util.ArrayList<>(m.getRawParameterTypes());
            types.add(m.getRawReturnType());
            for (JavaClass type : types) {
              if (isGenerated(type)) {
                events.add(SimpleConditionEvent.violated(m, m.getFullName() + " uses " + type.getName()));
              }
            }
          }
        })
        .check(classes);
  }

  private static boolean isGenerated(JavaClass type) {
    return type.getPackageName().equals("io.dyad.thrift");
  }
}
