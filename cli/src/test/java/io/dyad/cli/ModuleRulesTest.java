package io.dyad.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
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
 * downward only (thrift; common; server plumbing and the coordinator; the roles; cli), the Java client on the IDL and
 * common code alone (no server plumbing, no Bouncy Castle, no ZooKeeper), the DDM gateway on the directory API and
 * never on the directory server's insides, only the coordinator touches ZooKeeper, and the generated Thrift types
 * stay at the edges.
 */
class ModuleRulesTest {
  /** dyad-common: what clients and daemons share (the client side of Thrift and TLS, ids, errors, access) */
  private static final String[] COMMON = {"io.dyad.common..", "io.dyad.rpc", "io.dyad.rpc.tls.."};
  /** dyad-server: what only daemons need (the Thrift server, multicast search, service stacks, the dev CA) */
  private static final String[] SERVER = {"io.dyad.rpc.server..", "io.dyad.search..", "io.dyad.server.."};
  private static final String COORDINATOR = "io.dyad.coordinator..";
  private static final String NODE = "io.dyad.node..";
  private static final String DOSM = "io.dyad.dosm..";
  private static final String DIRECTORY_API = "io.dyad.directory.api..";
  private static final String[] DIRECTORY = {"io.dyad.directory.server..", "io.dyad.directory.namespace.."};
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
        io.dyad.rpc.server.ThriftServerService.class, io.dyad.search.MulticastAsker.class,
        io.dyad.coordinator.ZkSession.class, io.dyad.node.server.StorageNode.class, io.dyad.dosm.Dosm.class,
        io.dyad.directory.api.PairRoles.class, io.dyad.directory.server.DirectoryMember.class,
        io.dyad.directory.namespace.NamespaceStore.class, io.dyad.ddm.gateway.Ddm.class,
        io.dyad.client.DyadClient.class, Dyad.class, io.dyad.thrift.ObjectGateway.class}) {
      org.assertj.core.api.Assertions.assertThat(classes.contain(c)).as("imported %s", c.getName()).isTrue();
    }
  }

  private static String[] all(Object... packages) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (Object p : packages) {
      if (p instanceof String[] several) {
        out.addAll(java.util.List.of(several));
      } else {
        out.add((String) p);
      }
    }
    return out.toArray(String[]::new);
  }

  @Test
  void onlyTheCoordinatorAndTheEmbeddedServersLauncherTouchZooKeeper() {
    noClasses().that().resideOutsideOfPackage(COORDINATOR)
        .and().doNotHaveFullyQualifiedName(EmbeddedZooKeeper.class.getName())
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.zookeeper..", "org.apache.curator..")
        .check(classes);
  }

  @Test
  void commonCodeDependsOnNoServerPlumbingNoCoordinationNoRoleAndNoClient() {
    noClasses().that().resideInAnyPackage(COMMON)
        .should().dependOnClassesThat().resideInAnyPackage(
            all(SERVER, COORDINATOR, NODE, DOSM, DIRECTORY_API, DIRECTORY, DDM, CLIENT, CLI))
        .check(classes);
  }

  @Test
  void serverPlumbingDependsOnNoCoordinationNoRoleAndNoClient() {
    noClasses().that().resideInAnyPackage(SERVER)
        .should().dependOnClassesThat().resideInAnyPackage(
            all(COORDINATOR, NODE, DOSM, DIRECTORY_API, DIRECTORY, DDM, CLIENT, CLI))
        .check(classes);
  }

  @Test
  void theCoordinatorDependsOnNoServerPlumbingAndNoRole() {
    noClasses().that().resideInAPackage(COORDINATOR)
        .should().dependOnClassesThat().resideInAnyPackage(
            all(SERVER, NODE, DOSM, DIRECTORY_API, DIRECTORY, DDM, CLIENT, CLI))
        .check(classes);
  }

  @Test
  void noRoleDependsOnAnotherRole() {
    noClasses().that().resideInAPackage(NODE).should().dependOnClassesThat()
        .resideInAnyPackage(all(DOSM, DIRECTORY_API, DIRECTORY, DDM, CLIENT, CLI)).check(classes);
    noClasses().that().resideInAPackage(DOSM).should().dependOnClassesThat()
        .resideInAnyPackage(all(NODE, DIRECTORY_API, DIRECTORY, DDM, CLIENT, CLI)).check(classes);
    noClasses().that().resideInAnyPackage(DIRECTORY).should().dependOnClassesThat()
        .resideInAnyPackage(NODE, DOSM, DDM, CLIENT, CLI).check(classes);
    noClasses().that().resideInAPackage(DIRECTORY_API).should().dependOnClassesThat()
        .resideInAnyPackage(all(SERVER, NODE, DOSM, DIRECTORY, DDM, CLIENT, CLI)).check(classes);
  }

  @Test
  void theDdmGatewayKnowsTheDirectoryServersOnlyThroughTheDirectoryApi() {
    noClasses().that().resideInAPackage(DDM).should().dependOnClassesThat()
        .resideInAnyPackage(all(DIRECTORY, NODE, DOSM, CLIENT, CLI)).check(classes);
  }

  @Test
  void theClientNeedsOnlyTheIdlAndCommonCode() {
    noClasses().that().resideInAPackage(CLIENT)
        .should().dependOnClassesThat().resideInAnyPackage(
            all(SERVER, COORDINATOR, NODE, DOSM, DIRECTORY_API, DIRECTORY, DDM, CLI, "org.bouncycastle..",
                "org.apache.zookeeper..", "org.apache.curator..", "org.rocksdb.."))
        .check(classes);
  }

  @Test
  void theNamespaceStoreKnowsNothingOfTheCluster() {
    noClasses().that().resideInAPackage("io.dyad.directory.namespace..")
        .should().dependOnClassesThat().resideInAnyPackage(COORDINATOR, "io.dyad.directory.server..")
        .check(classes);
  }

  /** Each role is wired in one place, its module's assembly, which commands, dyad local and benchmarks all call. */
  @Test
  void commandsStartRolesThroughTheirAssembliesOnly() {
    java.util.Set<String> assembledInside = java.util.Set.of(io.dyad.node.server.StorageNode.class.getName(),
        io.dyad.dosm.Dosm.class.getName(), io.dyad.ddm.gateway.Ddm.class.getName());
    noClasses().that().resideInAPackage(CLI).should().callMethodWhere(
        new com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.core.domain.JavaMethodCall>(
            "a role's own factory (StorageNode.create, Dosm.create, Ddm.create, ZkSession.coordinator)") {
          @Override
          public boolean test(com.tngtech.archunit.core.domain.JavaMethodCall call) {
            String owner = call.getTargetOwner().getName();
            return (call.getName().equals("create") && assembledInside.contains(owner))
                || (call.getName().equals("coordinator") && owner.equals(io.dyad.coordinator.ZkSession.class.getName()));
          }
        })
        .check(classes);
  }

  /**
   * The generated Thrift types are the wire format: handlers, clients and the adapters between them and Dyad's own
   * types use them, nothing else, so that the public API and a member's storage format can change apart.
   */
  private static final java.util.Set<String> THRIFT_EDGES = java.util.Set.of(
      "io.dyad.rpc.ThriftErrors", "io.dyad.rpc.ThriftTypes", "io.dyad.rpc.RpcConnection",
      "io.dyad.rpc.server.HandlerEdge", "io.dyad.directory.namespace.ThriftCodec",
      "io.dyad.directory.server.ThriftPartnerLink",
      // assemblies: they put a handler behind its Thrift processor
      "io.dyad.node.server.StorageNode", "io.dyad.dosm.Dosm", "io.dyad.ddm.gateway.Ddm",
      "io.dyad.directory.server.DirectoryAssembly");

  /**
   * Where Thrift types still serve as the domain model, to be converted (issue 21): the namespace's records are the
   * IDL's structs, and so is what the directory servers and the DDM pass around. This list may only shrink.
   */
  private static final java.util.Set<String> THRIFT_AS_DOMAIN_MODEL = java.util.Set.of(
      "io.dyad.directory.namespace.ChangeApplier", "io.dyad.directory.namespace.Namespace",
      "io.dyad.directory.namespace.NamespaceStore", "io.dyad.directory.namespace.VolumeTxn",
      "io.dyad.directory.server.CatchUp", "io.dyad.directory.server.Decisions",
      "io.dyad.directory.server.GarbageWorker", "io.dyad.directory.server.LogTrimmer",
      "io.dyad.directory.server.PartnerLink", "io.dyad.directory.server.ReplicaReceiver",
      "io.dyad.directory.server.Sequencer", "io.dyad.directory.server.SnapshotInstaller",
      "io.dyad.directory.server.Snapshots", "io.dyad.ddm.gateway.ObjectChecker",
      "io.dyad.ddm.gateway.PointToPointVolumeSearch", "io.dyad.ddm.gateway.VolumeRouter",
      "io.dyad.directory.server.VolumeQuestions", "io.dyad.cli.VolumeCheckCommand",
      "io.dyad.client.FileEntry", "io.dyad.client.GatewayDirectory");

  @Test
  void generatedThriftTypesStayAtTheEdges() {
    noClasses().that(new com.tngtech.archunit.base.DescribedPredicate<JavaClass>(
            "are neither a handler, a client, an adapter nor on the list still to convert") {
          @Override
          public boolean test(JavaClass c) {
            String outer = c.getName().replaceAll("\\$.*", "");
            String simple = outer.substring(outer.lastIndexOf('.') + 1);
            boolean test = simple.endsWith("Test") || simple.endsWith("IT"); // other modules' test jars
            return !test && !outer.startsWith("io.dyad.thrift.") && !simple.endsWith("Handler")
                && !simple.endsWith("Client")
                && !THRIFT_EDGES.contains(outer) && !THRIFT_AS_DOMAIN_MODEL.contains(outer);
          }
        })
        .should().dependOnClassesThat().resideInAPackage("io.dyad.thrift..")
        .check(classes);
  }

  @Test
  void theCoordinatorsPackagesHaveNoCycles() {
    slices().matching("io.dyad.coordinator.(*)..").should().beFreeOfCycles().check(classes);
  }

  /** The coordination seams: public interfaces whose ZooKeeper implementations only ZkSession builds. */
  @Test
  void theCoordinatorsZooKeeperImplementationsStayBehindTheirInterfaces() {
    classes().that().resideInAPackage(COORDINATOR).and().areNotInterfaces()
        .and(implementAny(io.dyad.coordinator.rebalance.RebalancerLatch.class,
            io.dyad.coordinator.rebalance.RebalanceLedger.class, io.dyad.coordinator.volumes.VolumeRegistry.class,
            io.dyad.coordinator.membership.Registration.class))
        .should().bePackagePrivate()
        .check(classes);
  }

  /**
   * The DOSM's put, read, delete, hint and search paths reach the storage nodes through its {@code NodeLink}, so
   * they run against fakes in unit tests: only the adapter, the core that builds the pool (and the DOSM's gauge of
   * it), and the rebalancer and its mover, not behind the link yet, use the node client.
   */
  @Test
  void theDosmReachesStorageNodesThroughItsNodeLink() {
    noClasses().that().resideInAPackage(DOSM)
        .and(notDeclaredIn("PooledNodeLink", "DosmCore", "Dosm", "ObjectMover", "Rebalancer"))
        .should().dependOnClassesThat().haveFullyQualifiedName(io.dyad.rpc.StorageNodeClient.class.getName())
        .orShould().dependOnClassesThat().haveFullyQualifiedName(io.dyad.rpc.ConnectionPool.class.getName())
        .check(classes);
  }

  private static DescribedPredicate<JavaClass> implementAny(Class<?>... interfaces) {
    return new DescribedPredicate<>("implement one of the coordination interfaces") {
      @Override
      public boolean test(JavaClass c) {
        return java.util.Arrays.stream(interfaces).anyMatch(c::isAssignableTo);
      }
    };
  }

  /** Classes other than these of the DOSM (top-level simple names; their nested classes count as them). */
  private static DescribedPredicate<JavaClass> notDeclaredIn(String... topLevel) {
    return new DescribedPredicate<>("are not declared in " + String.join(", ", topLevel)) {
      @Override
      public boolean test(JavaClass c) {
        String outer = c.getName().substring(c.getPackageName().length() + 1).split("\\$")[0];
        return !java.util.List.of(topLevel).contains(outer);
      }
    };
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
