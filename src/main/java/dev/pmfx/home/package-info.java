/** pmfx's own folder, its version and the bundled demo: what every other package may use. */
package dev.pmfx.home;
