package dev.pmfx.ui;

import dev.pmfx.config.AppSpec;

/** One row of the process table: an app as its config describes it, and what it is doing. */
public record AppRow(
    String name, String namespace, String mode, String instances, String script, String status) {

  static final String NOT_STARTED = "not started";

  static AppRow notStarted(AppSpec app) {
    String instances = String.valueOf(app.instances());
    if (!app.instancesSetting().isEmpty() && !app.instancesSetting().equals(instances)) {
      instances += " (" + app.instancesSetting() + ")";
    }
    String command =
        app.script() + (app.args().isEmpty() ? "" : " " + String.join(" ", app.args()));
    return new AppRow(
        app.name(), app.namespace(), app.execMode().label(), instances, command, NOT_STARTED);
  }
}
