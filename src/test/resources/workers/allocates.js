// Holds MEGABYTES of memory it has written to (so the pages are resident), then idles.
const megabytes = Number(process.env.MEGABYTES || 200);
const held = [];
for (let i = 0; i < megabytes; i++) {
  held.push(Buffer.alloc(1024 * 1024, i % 251));
}
console.log('holding ' + megabytes + ' MB');
setInterval(() => held.length, 60_000);
