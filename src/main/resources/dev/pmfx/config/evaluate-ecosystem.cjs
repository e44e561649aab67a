// Evaluates an ecosystem file the way PM2 does (Node.js runs it) and writes what it exports
// as JSON to the file named by the second argument. import() loads CommonJS, ES modules,
// .cjs, .mjs and "type": "module" projects alike.
'use strict';
const fs = require('fs');
const { pathToFileURL } = require('url');

const [file, out] = process.argv.slice(2);

function report(result) {
  fs.writeFileSync(out, JSON.stringify(result));
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
    return;
  }
  try {
    report({ ok: true, value: exported === undefined ? null : exported });
  } catch (e) {
    report({ ok: false, name: 'TypeError', message: 'the exported value cannot be written as JSON: ' + e.message, stack: '' });
  }
})();
