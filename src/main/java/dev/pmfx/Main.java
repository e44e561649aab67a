package dev.pmfx;

import dev.pmfx.cli.PmfxCommand;

/** {@code bin/pmfx}: no arguments opens the window; a subcommand runs headless. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(PmfxCommand.commandLine().execute(args));
  }
}
