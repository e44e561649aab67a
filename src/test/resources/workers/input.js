// A Node worker that says what it is sent: each line on its standard input, and SIGUSR2.
process.stdin.setEncoding('utf8');
let pending = '';
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf('\n')) >= 0) {
    console.log('got line ' + pending.slice(0, newline));
    pending = pending.slice(newline + 1);
  }
});
process.on('SIGUSR2', () => console.log('got SIGUSR2'));
console.log('listening to stdin');
setInterval(() => {}, 1000);
