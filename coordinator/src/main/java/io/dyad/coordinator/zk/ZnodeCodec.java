package io.dyad.coordinator.zk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.AdminHold;
import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.EpochInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.RebalanceInfo;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.model.VolumeInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes one kind of znode payload as UTF-8 JSON: the record's fields plus {@code "v"}, the payload
 * format version. Unknown fields are ignored (a newer writer may add some); a payload from a newer major
 * version, or one that is not valid JSON for the record, is refused with a message naming the znode.
 *
 * @param <T> the record type
 */
public final class ZnodeCodec<T> {
  /** The payload format version this code writes and the newest it reads. */
  public static final int VERSION = 1;

  static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

  public static final ZnodeCodec<ClusterInfo> CLUSTER = new ZnodeCodec<>(ClusterInfo.class);
  public static final ZnodeCodec<MemberInfo> MEMBER = new ZnodeCodec<>(MemberInfo.class);
  public static final ZnodeCodec<LiveInfo> LIVE = new ZnodeCodec<>(LiveInfo.class);
  public static final ZnodeCodec<PairInfo> PAIR = new ZnodeCodec<>(PairInfo.class);
  public static final ZnodeCodec<FailoverInfo> FAILOVER = new ZnodeCodec<>(FailoverInfo.class);
  public static final ZnodeCodec<EpochInfo> EPOCH = new ZnodeCodec<>(EpochInfo.class);
  public static final ZnodeCodec<ResyncInfo> RESYNC = new ZnodeCodec<>(ResyncInfo.class);
  public static final ZnodeCodec<AdminHold> ADMIN_HOLD = new ZnodeCodec<>(AdminHold.class);
  public static final ZnodeCodec<GatewayInfo> GATEWAY = new ZnodeCodec<>(GatewayInfo.class);
  public static final ZnodeCodec<AdmittedInfo> ADMITTED = new ZnodeCodec<>(AdmittedInfo.class);
  public static final ZnodeCodec<VolumeInfo> VOLUME = new ZnodeCodec<>(VolumeInfo.class);
  public static final ZnodeCodec<RebalanceInfo> REBALANCE = new ZnodeCodec<>(RebalanceInfo.class);

  private final Class<T> type;

  private ZnodeCodec(Class<T> type) {
    this.type = type;
  }

  public byte[] encode(T value) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("v", VERSION);
    node.setAll((ObjectNode) MAPPER.valueToTree(value));
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value, e);
    }
  }

  /**
   * @param path the znode the bytes came from, for the error message
   * @throws DyadException INTERNAL if the payload is not a valid record of this kind
   */
  public T decode(String path, byte[] data) throws DyadException {
    if (data == null || data.length == 0) {
      throw new DyadException(ErrorCode.INTERNAL, "znode " + path + " is empty; expected a " + type.getSimpleName());
    }
    try {
      JsonNode node = MAPPER.readTree(data);
      if (!node.isObject()) {
        throw new DyadException(ErrorCode.INTERNAL, "znode " + path + " does not hold a JSON object");
      }
      int v = node.path("v").asInt(0);
      if (v < 1 || v > VERSION) {
        throw new DyadException(ErrorCode.INTERNAL, "znode " + path + " has payload version " + v
            + "; this Dyad reads versions 1 to " + VERSION + " (upgrade it)");
      }
      return MAPPER.treeToValue(node, type);
    } catch (IOException e) {
      throw new DyadException(ErrorCode.INTERNAL, "znode " + path + " is not a valid " + type.getSimpleName()
          + ": " + new String(data, StandardCharsets.UTF_8), e);
    }
  }
}
