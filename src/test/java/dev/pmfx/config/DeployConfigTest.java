package dev.pmfx.config;

import static dev.pmfx.config.Fixtures.failed;
import static dev.pmfx.config.Fixtures.loaded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code deploy} section, as PM2 users write it, in each format pmfx reads. */
class DeployConfigTest {

  private final EcosystemLoader loader = Fixtures.withNode();

  @TempDir Path dir;

  @BeforeEach
  void script() throws IOException {
    Files.writeString(dir.resolve("server.js"), "");
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static final String APPS = "apps: [{name: 'api', script: 'server.js'}]";

  @Test
  void aJsConfigsDeploySectionIsReadWithEveryKey() throws IOException {
    // given PM2's documented example, with a list of hosts and ssh options
    Path file =
        write(
            "ecosystem.config.js",
            """
            module.exports = {
              %s,
              deploy: {
                production: {
                  user: 'node',
                  host: ['web1', 'web2'],
                  port: '2222',
                  ref: 'origin/main',
                  repo: 'git@github.com:me/app.git',
                  path: '/var/www/production',
                  'pre-setup': 'echo pre-setup',
                  'post-setup': 'ls -la',
                  'pre-deploy-local': 'echo local',
                  'pre-deploy': 'git status',
                  'post-deploy': 'npm ci && pmfx reload ecosystem.config.js --env production',
                  ssh_options: ['StrictHostKeyChecking=no', 'PasswordAuthentication=no'],
                  key: '~/.ssh/deploy',
                  env: { NODE_ENV: 'production', WORKERS: 4 }
                }
              }
            };
            """
                .formatted(APPS));

    // when
    Ecosystem ecosystem = loaded(loader.load(file));

    // then
    DeployTarget production = ecosystem.deployTarget("production").orElseThrow();
    assertEquals(Optional.of("node"), production.user());
    assertEquals(List.of("web1", "web2"), production.hosts());
    assertEquals(Optional.of(2222), production.port());
    assertEquals("origin/main", production.ref());
    assertEquals("main", production.branch());
    assertEquals("git@github.com:me/app.git", production.repo());
    assertEquals("/var/www/production", production.path());
    assertEquals(Optional.of("echo local"), production.hook(DeployTarget.Hook.PRE_DEPLOY_LOCAL));
    assertEquals(
        Optional.of("npm ci && pmfx reload ecosystem.config.js --env production"),
        production.hook(DeployTarget.Hook.POST_DEPLOY));
    assertEquals(
        List.of("StrictHostKeyChecking=no", "PasswordAuthentication=no"), production.sshOptions());
    assertEquals(Optional.of(System.getProperty("user.home") + "/.ssh/deploy"), production.key());
    assertEquals(Map.of("NODE_ENV", "production", "WORKERS", "4"), production.env());
    assertEquals(1, ecosystem.apps().size(), "the apps load as before");
    assertTrue(ecosystem.warnings().isEmpty(), () -> ecosystem.warnings().toString());
  }

  @Test
  void yamlAndJsonDeploySectionsLoadWithoutTheIgnoredWarning() throws IOException {
    // given the same section in YAML and in JSON, with one host as a string
    Path yaml =
        write(
            "ecosystem.yaml",
            """
            apps:
              - name: api
                script: server.js
            deploy:
              staging:
                host: 127.0.0.1
                ref: origin/dev
                repo: /srv/git/app.git
                path: /srv/app
                ssh_options: StrictHostKeyChecking=no
            """);
    Path json =
        write(
            "ecosystem.json",
            """
            {"apps": [{"name": "api", "script": "server.js"}],
             "deploy": {"staging": {"host": "127.0.0.1", "ref": "origin/dev",
               "repo": "/srv/git/app.git", "path": "/srv/app", "port": 22}}}
            """);

    for (Path file : List.of(yaml, json)) {
      // when
      Ecosystem ecosystem = loaded(loader.load(file));

      // then
      DeployTarget staging = ecosystem.deployTarget("staging").orElseThrow();
      assertEquals(List.of("127.0.0.1"), staging.hosts(), file.toString());
      assertEquals("dev", staging.branch());
      assertEquals(Optional.empty(), staging.user());
      assertTrue(ecosystem.warnings().isEmpty(), () -> file + ": " + ecosystem.warnings());
    }
  }

  @Test
  void missingRequiredKeysAreErrorsAtTheEnvironmentsLine() throws IOException {
    // given
    Path file =
        write(
            "ecosystem.yaml",
            """
            apps:
              - name: api
                script: server.js
            deploy:
              production:
                host: web1
                ref: origin/main
            """);

    // when
    LoadResult.Failed failure = failed(loader.load(file));

    // then
    List<String> found =
        failure.errors().stream()
            .map(
                d ->
                    d.file().getFileName()
                        + ":"
                        + d.location()
                        + " "
                        + d.key()
                        + ": "
                        + d.message())
            .toList();
    assertEquals(
        List.of(
            "ecosystem.yaml:5:3 deploy.production.repo: deploy 'production': no 'repo': the git"
                + " repository the hosts clone is needed",
            "ecosystem.yaml:5:3 deploy.production.path: deploy 'production': no 'path': the folder"
                + " on the hosts to deploy into is needed"),
        found);
  }

  @Test
  void severalHostsInOneStringAreAnErrorSayingToListThem() throws IOException {
    // given
    Path file =
        write(
            "ecosystem.yaml",
            """
            apps:
              - name: api
                script: server.js
            deploy:
              production:
                host: 'web1, web2'
                ref: origin/main
                repo: /srv/git/api.git
                path: /srv/api
            """);

    // when
    LoadResult.Failed failure = failed(loader.load(file));

    // then
    assertEquals(
        List.of(
            "6:11 deploy.production.host: deploy 'production': 'web1, web2' is no host: a host has"
                + " no commas or spaces; several hosts are a list"),
        failure.errors().stream()
            .map(d -> d.location() + " " + d.key() + ": " + d.message())
            .toList());
  }

  @Test
  void anUnknownKeyIsAnErrorWithTheNearestKnownOne() throws IOException {
    // given post_deploy written with an underscore, where PM2's key has a dash
    Path file =
        write(
            "ecosystem.config.js",
            """
            module.exports = {
              %s,
              deploy: {
                production: {
                  host: 'web1', ref: 'origin/main', repo: 'r.git', path: '/srv/app',
                  post_deploy: 'pmfx reload ecosystem.config.js'
                }
              }
            };
            """
                .formatted(APPS));

    // when
    Diagnostic error = failed(loader.load(file)).errors().getFirst();

    // then
    assertEquals(new Location(6, 7), error.location(), error::format);
    assertEquals("deploy.production.post_deploy", error.key());
    assertEquals(
        "deploy 'production': unknown key 'post_deploy': did you mean 'post-deploy'?",
        error.message());
    assertTrue(error.hint().contains("pre-setup, post-setup"), error.hint());
  }

  @Test
  void wrongTypesAreEachNamedWithWhatIsAllowed() throws IOException {
    // given
    Path file =
        write(
            "ecosystem.json",
            """
            {"apps": [{"name": "api", "script": "server.js"}],
             "deploy": {
               "production": {
                 "host": [],
                 "port": "ssh",
                 "ref": "origin/main",
                 "repo": 42,
                 "path": "/srv/app",
                 "post-deploy": ["npm ci"],
                 "env": {"NODE_ENV": {"x": 1}}
               },
               "staging": "web2"
             }}
            """);

    // when
    LoadResult.Failed failure = failed(loader.load(file));

    // then
    List<String> found =
        failure.errors().stream().map(d -> d.location().line() + " " + d.message()).toList();
    assertEquals(
        List.of(
            "4 deploy 'production': host must be a host ('web1', 'deploy@web1') or a list of"
                + " hosts; found a list",
            "5 deploy 'production': port must be a port number from 1 to 65535; found \"ssh\"",
            "7 deploy 'production': repo must be a string that is not empty; found 42",
            "9 deploy 'production': post-deploy must be a string that is not empty; found a list",
            "10 deploy 'production': env.NODE_ENV must be a string, number or boolean; found an"
                + " object",
            "12 deploy environment 'staging' must be an object with host, repo, path and ref;"
                + " found \"web2\""),
        found);
  }

  @Test
  void aDeploySectionThatIsNoObjectIsAnError() throws IOException {
    // given
    Path file = write("ecosystem.yaml", "apps:\n  - script: server.js\ndeploy: production\n");

    // when
    Diagnostic error = failed(loader.load(file)).errors().getFirst();

    // then
    assertEquals(new Location(3, 9), error.location(), error::format);
    assertEquals(
        "'deploy' must be an object of environments; found \"production\"", error.message());
  }

  @Test
  void pm2KeysPmfxDoesNotActOnAreWarnings() throws IOException {
    // given
    Path file =
        write(
            "ecosystem.yaml",
            """
            apps:
              - script: server.js
            deploy:
              production:
                host: web1
                ref: origin/main
                repo: r.git
                path: /srv/app
                forward-agent: yes
            """);

    // when
    Ecosystem ecosystem = loaded(loader.load(file));

    // then
    Diagnostic warning = ecosystem.warnings().getFirst();
    assertEquals(new Location(9, 5), warning.location());
    assertTrue(warning.hint().contains("ForwardAgent=yes"), warning.hint());
    assertTrue(ecosystem.deployTarget("production").isPresent());
  }
}
