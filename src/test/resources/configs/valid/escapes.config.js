// Strings with every kind of escape, a regex and division: nothing here is computed but the
// regex and the division.
module.exports = {
  apps: [
    {
      name: 'api\x2dv\u0032',
      script: "server.js",
      args: ['--greeting', 'caf\u00e9 \u{1F600}', `tab\there`, 'it\'s', "say \"hi\""],
      interpreter_args: '--max-old-space-size=' + 1024 / 2,
      env: { PATTERN: /^\/api\/[a-z]+$/.source, LONG: 'one \
two' },
    },
  ],
};
