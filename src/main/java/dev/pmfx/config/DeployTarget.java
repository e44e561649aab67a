package dev.pmfx.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One environment of an ecosystem file's {@code deploy} section, as PM2 users write it: where the
 * code comes from ({@code repo} at {@code ref}), which hosts get it, under which {@code path}, and
 * the shell commands run around each step. The folder layout under {@code path} is PM2's ({@code
 * source}, {@code current}, {@code shared}, {@code .deploys}), so a host PM2 deployed to keeps
 * working.
 *
 * @param name the environment's name ({@code production}), as {@code pmfx deploy production} takes
 *     it
 * @param location where the environment is written in the file
 * @param user the ssh user; empty: ssh's own choice (the ssh config's, or the local user)
 * @param hosts the hosts, deployed to one after the other in this order
 * @param port the ssh port, when the file gives one
 * @param ref what to deploy: {@code origin/main}, a tag or a commit
 * @param repo the git repository the hosts clone
 * @param path the folder on the host that holds PM2's layout
 * @param hooks the shell commands the file gives, by hook
 * @param sshOptions each one an ssh {@code -o} option ({@code StrictHostKeyChecking=no})
 * @param key the identity file ssh is given with {@code -i}, when there is one
 * @param env the variables the remote hooks run with, in file order
 */
public record DeployTarget(
    String name,
    Location location,
    Optional<String> user,
    List<String> hosts,
    Optional<Integer> port,
    String ref,
    String repo,
    String path,
    Map<Hook, String> hooks,
    List<String> sshOptions,
    Optional<String> key,
    Map<String, String> env) {

  public DeployTarget {
    hosts = List.copyOf(hosts);
    hooks = hooks.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(hooks));
    sshOptions = List.copyOf(sshOptions);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  /** The hooks of a deploy, by the keys PM2 gives them, in the order a deploy runs them. */
  public enum Hook {
    PRE_SETUP("pre-setup"),
    POST_SETUP("post-setup"),
    PRE_DEPLOY_LOCAL("pre-deploy-local"),
    PRE_DEPLOY("pre-deploy"),
    POST_DEPLOY("post-deploy");

    private final String key;

    Hook(String key) {
      this.key = key;
    }

    /** The key in the file, and the name the output gives the hook. */
    public String key() {
      return key;
    }
  }

  public Optional<String> hook(Hook hook) {
    return Optional.ofNullable(hooks.get(hook));
  }

  /**
   * The branch {@code setup} clones: {@code ref} without its remote ({@code origin/main} → {@code
   * main}), as PM2 takes it.
   */
  public String branch() {
    int slash = ref.indexOf('/');
    return slash >= 0 ? ref.substring(slash + 1) : ref;
  }
}
