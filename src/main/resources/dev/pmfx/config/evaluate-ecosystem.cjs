// Evaluates an ecosystem file the way PM2 does (Node.js runs it) and writes what it exports
// as JSON to the file named by the second argument. import() loads CommonJS, ES modules,
// .cjs, .mjs and "type": "module" projects alike.
'use strict';
const fs = require('fs');
const { pathToFileURL } = require('url');

const [file, out] = process.argv.slice(2);

function report(result, replacer) {
  fs.writeFileSync(out, JSON.stringify(result, replacer));
}

// Values JSON cannot hold (NaN, Infinity, BigInt) reach pmfx as what they are, so an error can
// name them, instead of as the null JSON.stringify makes of them.
function marked(key, value) {
  if ((typeof value === 'number' && !Number.isFinite(value)) || typeof value === 'bigint') {
    return { '$pmfx:value': String(value) };
  }
  return value;
}

(async () => {
  let exported;
  try {
    const namespace = await import(pathToFileURL(file).href);
    exported = namespace.default !== undefined ? namespace.default : { ...namespace };
    if (exported && typeof exported.then === 'function') {
      exported = await exported;
    }
  } catch (e) {
    report({
      ok: false,
      name: (e && e.name) || 'Error',
      message: String((e && e.message) || e),
      stack: String((e && e.stack) || ''),
    });
    process.exit(0);
  }
  if (typeof exported === 'function') {
    report({
      ok: false,
      name: 'TypeError',
      message: 'the file exports a function; an ecosystem file exports an object: module.exports = {apps: [...]}',
      stack: '',
    });
  } else {
    try {
      report({ ok: true, value: exported === undefined ? null : exported }, marked);
    } catch (e) {
      report({ ok: false, name: 'TypeError', message: 'the exported value cannot be written as JSON: ' + e.message, stack: '' });
    }
  }
  // PM2's CLI exits once it has the config; a config holding a connection or a timer
  // must not keep pmfx waiting either.
  process.exit(0);
})();
