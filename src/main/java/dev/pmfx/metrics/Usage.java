package dev.pmfx.metrics;

/**
 * What a process tree used at one sample.
 *
 * @param cpuPercent percent of one core since the previous sample (a tree busy on two cores: 200)
 * @param residentBytes resident memory of all its processes together
 * @param processes how many processes the tree held
 */
public record Usage(double cpuPercent, long residentBytes, int processes) {}
