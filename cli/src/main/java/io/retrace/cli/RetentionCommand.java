package io.retrace.cli;

import io.retrace.archiver.ArchiverConfig;
import io.retrace.archiver.retention.RetentionRunner;
import io.retrace.schemas.config.ConfigException;
import io.retrace.schemas.config.ConfigSources;
import io.retrace.stack.StackConfig;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code retrace retention ...}: archive retention; {@code run} deletes what has expired. */
@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    description = "Archive retention.",
    subcommands = {RetentionCommand.Run.class})
final class RetentionCommand {

  /** {@code retrace retention run [--dry-run]}: exit 0 when done, 2 on any error. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Delete archived recordings past their retention (per recording, per service, default),",
        "and raw retrace.rec.* topics once archived. Recordings under legal hold are kept.",
        "Every deletion is written to retrace.audit. Other archiver settings (retention.*,",
        "s3.*) come from -Dretrace.<key> and RETRACE_<KEY>."
      })
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dry-run", description = "Report what would be deleted; delete nothing.")
    boolean dryRun;

    @Option(
        names = "--archive",
        description =
            "Archive root, file:///path or s3a://bucket/prefix (default: the archive of"
                + " retrace up in ./retrace-data).")
    String archive;

    @Option(
        names = "--bootstrap",
        description = "Kafka bootstrap servers (default: 127.0.0.1:9092).")
    String bootstrap;

    @Option(
        names = "--registry",
        description = "Schema registry URL (default: http://127.0.0.1:8081).")
    String registry;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      ArchiverConfig config = config();
      RetentionRunner.Report report =
          RetentionRunner.run(
              config,
              dryRun,
              Instant.now(),
              line -> {
                out.println(line);
                out.flush();
              });
      out.printf(
          "%s %d recordings, %d archive folders (%d files), %d raw topics; kept %d under legal"
              + " hold.%n",
          report.dryRun() ? "Would delete" : "Deleted",
          report.recordings().size(),
          report.folders(),
          report.files(),
          report.topics().size(),
          report.held().size());
      if (!report.failures().isEmpty()) {
        spec.commandLine().getErr().println("retrace: retention failed for " + report.failures());
        return ErrorHandler.EXIT_ERROR;
      }
      return 0;
    }

    private ArchiverConfig config() {
      Map<String, String> given = new LinkedHashMap<>();
      put(given, "archive.uri", archive);
      put(given, "bootstrap.servers", bootstrap);
      put(given, "schema.registry.url", registry);
      StackConfig defaults = StackConfig.defaults();
      try {
        return ArchiverConfig.load(
            ConfigSources.builder()
                .explicit("command line", given)
                .systemProperties()
                .environment()
                .explicit(
                    "retrace up defaults",
                    Map.of(
                        "archive.uri", defaults.archiveDir().toUri().toString(),
                        "bootstrap.servers", defaults.host() + ":" + StackConfig.DEFAULT_KAFKA_PORT,
                        "schema.registry.url",
                            "http://" + defaults.host() + ":" + StackConfig.DEFAULT_REGISTRY_PORT))
                .build());
      } catch (ConfigException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    private static void put(Map<String, String> map, String key, String value) {
      if (value != null) {
        map.put(key, value);
      }
    }
  }
}
