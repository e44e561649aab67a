/**
 * Ecosystem files (.js, .cjs, .mjs, .json, .yaml, .yml) into immutable {@link
 * dev.pmfx.config.AppSpec} records, with PM2's defaults and errors that name file, line, column and
 * key. Starts no process.
 */
package dev.pmfx.config;
