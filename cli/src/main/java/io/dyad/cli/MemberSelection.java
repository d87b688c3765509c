package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.coordinator.admin.FailoverRequests;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Either one member id or {@code --center C} (every member of the center). */
final class MemberSelection {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Choice choice;

  static final class Choice {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "A member id, e.g. a1.")
    String member;

    @Option(names = "--center", paramLabel = "C", description = "Every member of center C.")
    String center;
  }

  List<String> resolve(FailoverRequests requests) throws DyadException {
    return choice.member != null ? List.of(choice.member) : requests.membersOfCenter(choice.center);
  }
}
