package dev.pmfx.config;

import static dev.pmfx.config.Report.found;

import dev.pmfx.config.ConfigNode.ArrayNode;
import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a config tree into {@link AppSpec}s: finds the {@code apps} list, reads each app with an
 * {@link AppReader} (every key's type and value checked by its {@link AppOption}, PM2's defaults
 * filled in), and reports each problem at its line, with what is allowed. Reads all apps before
 * giving up, so one run of {@code pmfx check} shows every error in the file. The {@code deploy}
 * section goes to a {@link DeployReader}.
 */
final class EcosystemReader {

  record Result(
      List<AppSpec> apps, Map<String, DeployTarget> deploy, List<Diagnostic> diagnostics) {}

  private final Report report;
  private final Path baseDir;
  private final int cores;
  private Map<String, DeployTarget> deploy = Map.of();

  private EcosystemReader(SourceText source, int cores) {
    this.report = new Report(source);
    this.baseDir = source.file().toAbsolutePath().getParent();
    this.cores = cores;
  }

  static Result read(ConfigNode root, SourceText source, int cores) {
    EcosystemReader reader = new EcosystemReader(source, cores);
    List<AppSpec> apps = reader.apps(root);
    return new Result(apps, reader.deploy, reader.report.diagnostics());
  }

  private List<AppSpec> apps(ConfigNode root) {
    ArrayNode list;
    switch (root) {
      case ArrayNode array -> list = array;
      case ObjectNode object when object.member("apps").isPresent() -> {
        for (Member m : object.members()) {
          if (m.key().equals("deploy")) {
            deploy = DeployReader.read(m, report); // for pmfx deploy; the apps do not need it
          } else if (!m.key().equals("apps") && !m.key().startsWith("x-")) {
            // x-... keys hold YAML anchors for apps to share, as in Compose files
            report.unknownKey(m, "", "", List.of("apps", "deploy"));
          }
        }
        Member apps = object.member("apps").orElseThrow();
        if (!(apps.value() instanceof ArrayNode array)) {
          if (apps.value() instanceof ObjectNode single) {
            list = new ArrayNode(single.location(), List.of(single), true);
          } else {
            report.error(
                apps.value().location(),
                "apps",
                "'apps' must be a list of apps; found " + found(apps.value()),
                "");
            return List.of();
          }
        } else {
          list = array;
        }
      }
      case ObjectNode single when single.member("script").isPresent() -> {
        // PM2 also takes a JSON file that is one app.
        list = new ArrayNode(single.location(), List.of(single), true);
      }
      case ObjectNode empty when empty.members().isEmpty() -> {
        report.error(
            root.location(),
            "",
            "the config is empty: it has no apps",
            "a config is {apps: [{name: 'api', script: 'server.js'}]}");
        return List.of();
      }
      default -> {
        String hint =
            root instanceof ObjectNode object && !object.members().isEmpty()
                ? DidYouMean.closest(object.members().getFirst().key(), List.of("apps"))
                    .map(
                        k ->
                            "did you mean 'apps' instead of '"
                                + object.members().getFirst().key()
                                + "'?")
                    .orElse(
                        "a config is {apps: [{name: 'api', script: 'server.js'}]} or a list of such apps")
                : "a config is {apps: [{name: 'api', script: 'server.js'}]} or a list of such apps";
        report.error(
            root.location(),
            "",
            "no apps: the config must have an 'apps' list; found " + found(root),
            hint);
        return List.of();
      }
    }
    if (list.items().isEmpty()) {
      report.error(
          list.location(),
          "apps",
          "the 'apps' list is empty: there is nothing to run",
          "add an app: {name: 'api', script: 'server.js'}");
      return List.of();
    }
    List<AppSpec> apps = new ArrayList<>();
    Map<String, AppSpec> byName = new HashMap<>();
    List<DependsOnCheck.Read> read = new ArrayList<>();
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (int i = 0; i < list.items().size(); i++) {
      ConfigNode item = list.items().get(i);
      if (!(item instanceof ObjectNode object)) {
        report.error(
            item.location(),
            "apps[" + i + "]",
            "each app must be an object with at least a 'script'; found " + found(item),
            "");
        continue;
      }
      Optional<AppSpec> app = new AppReader(object, i, report, baseDir, cores).read();
      if (app.isEmpty()) {
        // its name still counts for the others' depends_on
        object
            .member("name")
            .map(Member::value)
            .filter(ConfigNode.TextNode.class::isInstance)
            .map(v -> ((ConfigNode.TextNode) v).value())
            .ifPresent(names::add);
        continue;
      }
      names.add(app.get().name());
      AppSpec other = byName.putIfAbsent(app.get().name(), app.get());
      if (other != null) {
        Location at =
            object
                .member("name")
                .map(Member::value)
                .map(ConfigNode::location)
                .orElse(object.location());
        report.error(
            at,
            "apps[" + i + "].name",
            "two apps are named '"
                + app.get().name()
                + "' (the other one is on line "
                + other.location().line()
                + ")",
            "names must be unique: commands such as 'pmfx reload "
                + app.get().name()
                + "' pick apps by name");
        continue;
      }
      apps.add(app.get());
      read.add(new DependsOnCheck.Read(object, i, app.get()));
    }
    DependsOnCheck.check(read, names, report);
    return apps;
  }
}
