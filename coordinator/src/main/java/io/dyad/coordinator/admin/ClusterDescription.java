package io.dyad.coordinator.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dyad.common.DyadException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An operator's description of a cluster, as written in {@code cluster.yaml} (see
 * conf/cluster-example.yaml). Nothing is checked here beyond the YAML's shape; see
 * {@link ClusterDescriptionValidator}.
 */
public record ClusterDescription(String name, Map<String, CenterSpec> centers, List<MemberSpec> members,
    List<PairSpec> pairs) {

  public ClusterDescription {
    centers = centers == null ? Map.of() : centers;
    members = members == null ? List.of() : members;
    pairs = pairs == null ? List.of() : pairs;
  }

  /** A storage center; {@code subnet} (CIDR) and {@code multicast} (GROUP:PORT) are optional. */
  public record CenterSpec(String subnet, String multicast) {}

  /** A member; {@code kind} is "storage" or "directory"; {@code adminAddress} is optional. */
  public record MemberSpec(String id, String kind, String center, String address, String adminAddress) {}

  /**
   * A pair. {@code b} may name a member that is not declared: it is then generated in the other center, at
   * a's address with the subnet portion rewritten.
   */
  public record PairSpec(String id, String kind, String a, String b) {}

  /** "members[2]" for a field of the third member. */
  private static String pathOf(UnrecognizedPropertyException e) {
    StringBuilder b = new StringBuilder();
    for (var ref : e.getPath().subList(0, e.getPath().size() - 1)) {
      if (ref.getFieldName() != null) {
        b.append(b.length() > 0 ? "." : "").append(ref.getFieldName());
      } else {
        b.append('[').append(ref.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  /** @throws DyadException INVALID_ARGUMENT for a missing file or malformed YAML, naming the line */
  public static ClusterDescription load(Path file) throws DyadException {
    try {
      ClusterDescription d = YAML.readValue(file.toFile(), ClusterDescription.class);
      if (d == null) {
        throw DyadException.invalidArgument("cluster description " + file + " is empty");
      }
      return d;
    } catch (UnrecognizedPropertyException e) {
      String where = e.getPath().size() > 1 ? " in " + pathOf(e) : "";
      throw DyadException.invalidArgument("cluster description " + file + ": unknown field '" + e.getPropertyName()
          + "'" + where + " (known: " + String.join(", ", e.getKnownPropertyIds().stream().map(Object::toString).sorted()
          .toList()) + ")");
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw DyadException.invalidArgument("cluster description " + file + " is not valid" + where + ": "
          + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      if (e instanceof NoSuchFileException || !file.toFile().exists()) {
        throw DyadException.invalidArgument("cluster description " + file + " does not exist");
      }
      throw DyadException.invalidArgument("cannot read cluster description " + file + ": " + e.getMessage());
    }
  }
}
