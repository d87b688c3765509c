package io.dyad.cli;

import com.google.common.util.concurrent.AbstractScheduledService;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@code dyad local --kill a1} in another shell reaches the running {@code dyad local}: through files in
 * {@code DATA/control}, which only the user who owns the data directory can write. The running cluster marks the
 * directory with its pid, takes each {@code *.request} ("VERB MEMBER"), carries it out and answers in a
 * {@code *.reply} ("ok ..." or "error CODE message"). One request at a time, in arrival order.
 */
final class LocalControl extends AbstractScheduledService {
  private static final Logger LOG = LoggerFactory.getLogger(LocalControl.class);
  private static final String PID_FILE = "running.pid";

  /** Carries out one request; returns what to tell the caller. */
  interface Handler {
    String handle(String verb, String member) throws DyadException;
  }

  private final Path dir;
  private final Handler handler;

  LocalControl(Path data, Handler handler) {
    this.dir = data.resolve("control");
    this.handler = handler;
  }

  @Override
  protected void startUp() throws IOException {
    Files.createDirectories(dir);
    LocalFiles.writeAtomically(dir.resolve(PID_FILE), Long.toString(ProcessHandle.current().pid()));
  }

  @Override
  protected void shutDown() throws IOException {
    Files.deleteIfExists(dir.resolve(PID_FILE));
  }

  @Override
  protected Scheduler scheduler() {
    return Scheduler.newFixedDelaySchedule(0, 100, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void runOneIteration() {
    try (DirectoryStream<Path> requests = Files.newDirectoryStream(dir, "*.request")) {
      for (Path request : requests) {
        answer(request);
      }
    } catch (NoSuchFileException e) {
      LOG.warn("{} was removed: this dyad local can no longer be controlled from other shells", dir);
      stopAsync();
    } catch (IOException e) {
      LOG.warn("cannot read control requests in {}: {}", dir, e.toString());
    }
  }

  private void answer(Path request) throws IOException {
    String name = request.getFileName().toString();
    Path reply = request.resolveSibling(name.substring(0, name.length() - ".request".length()) + ".reply");
    String text;
    try {
      String[] words = Files.readString(request, StandardCharsets.UTF_8).strip().split(" ", 2);
      if (words.length != 2) {
        throw DyadException.invalidArgument("a control request is 'VERB MEMBER'");
      }
      LOG.info("control request: {} {}", words[0], words[1]);
      text = "ok " + handler.handle(words[0], words[1]);
    } catch (DyadException e) {
      text = "error " + e.code().name() + " " + e.getMessage();
    } catch (RuntimeException e) {
      LOG.warn("control request {} failed", name, e);
      text = "error " + ErrorCode.UNAVAILABLE.name() + " " + CliErrors.describe(e);
    }
    LocalFiles.writeAtomically(reply, text);
    Files.deleteIfExists(request);
  }

  /**
   * Asks the {@code dyad local} running on {@code data} to {@code verb} {@code member}; returns its answer.
   *
   * @throws DyadException UNAVAILABLE if none runs there or it does not answer in time; what the request failed with
   */
  static String send(Path data, String verb, String member, Duration timeout) throws DyadException {
    Path dir = data.resolve("control");
    if (!running(dir)) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "no dyad local is running on " + data + " (start one with "
          + "'dyad local --data " + data + "')");
    }
    String id = UUID.randomUUID().toString();
    Path reply = dir.resolve(id + ".reply");
    try {
      LocalFiles.writeAtomically(dir.resolve(id + ".request"), verb + " " + member);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (Files.exists(reply)) {
          String text = Files.readString(reply, StandardCharsets.UTF_8);
          Files.deleteIfExists(reply);
          return parseReply(text);
        }
        if (!running(dir)) {
          throw new DyadException(ErrorCode.UNAVAILABLE, "dyad local on " + data + " stopped before answering");
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot reach dyad local through " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while waiting for dyad local");
    }
    throw new DyadException(ErrorCode.UNAVAILABLE, "dyad local on " + data + " did not answer '" + verb + " " + member
        + "' within " + timeout.toSeconds() + " s; see its log");
  }

  private static String parseReply(String text) throws DyadException {
    if (text.startsWith("ok ")) {
      return text.substring(3);
    }
    List<String> parts = List.of(text.split(" ", 3));
    ErrorCode code;
    try {
      code = ErrorCode.valueOf(parts.get(1));
    } catch (RuntimeException e) {
      code = ErrorCode.UNAVAILABLE;
    }
    throw new DyadException(code, parts.size() > 2 ? parts.get(2) : text);
  }

  private static boolean running(Path dir) {
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve(PID_FILE)).strip());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

}
