package dev.pmfx.ui;

import dev.pmfx.config.AppOption;
import dev.pmfx.config.AppSpec;
import java.util.ArrayList;
import java.util.List;

/** One line of the Config tab: a resolved option, masked when its name looks secret. */
public record ConfigEntry(String key, String value, boolean secret) {

  private static final java.util.regex.Pattern SECRET =
      java.util.regex.Pattern.compile("(?i).*(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL).*");

  /** The app's resolved options, as PM2 names them, then its environment. */
  static List<ConfigEntry> describe(AppSpec spec) {
    List<ConfigEntry> entries = new ArrayList<>();
    for (AppOption<?> option : AppOption.all()) {
      option.shown(spec).ifPresent(v -> entries.add(new ConfigEntry(option.key(), v, false)));
    }
    spec.env()
        .forEach(
            (key, value) ->
                entries.add(new ConfigEntry("env." + key, value, SECRET.matcher(key).matches())));
    spec.envByName()
        .forEach(
            (envName, vars) ->
                vars.forEach(
                    (key, value) ->
                        entries.add(
                            new ConfigEntry(
                                "env_" + envName + "." + key,
                                value,
                                SECRET.matcher(key).matches()))));
    return entries;
  }
}
