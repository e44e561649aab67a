# An earlier revision beside this checkout, for the benchmarks that compare against it: a git
# worktree at target/bench-base, built, made again when it holds another revision. Sourced with
# root and base_rev set; sets base and jdk. Also: median, of the numbers on standard input.
"$root/bin/pmfx" --version >/dev/null # builds when needed
jdk=$("$root/bin/find-jdk")
base="$root/target/bench-base"
if [ "$(git -C "$base" rev-parse HEAD 2>/dev/null)" != "$(git -C "$root" rev-parse "$base_rev")" ]; then
  rm -rf "$base"
  git -C "$root" worktree prune
  git -C "$root" worktree add --detach "$base" "$base_rev" >/dev/null
  (cd "$base" && ./mvnw -q -DskipTests process-classes)
fi
[ -f "$base/target/pmfx.classpath" ] || (cd "$base" && ./mvnw -q -DskipTests process-classes)
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
