// Keeps one core busy, as a worker stuck in a hot loop would.
console.log('busy, pid ' + process.pid);
for (;;) {
  Math.sqrt(Math.random());
}
