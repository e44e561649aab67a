// A TypeScript app written for PM2: types that must be stripped, and ready through process.send.
interface Greeting {
  text: string;
}
const greeting: Greeting = { text: 'typed' };
function say(line: string): void {
  console.log(line);
}
say(`${greeting.text} on node ${process.version}, process.send is ${typeof process.send}`);
if (typeof process.send === 'function') {
  process.send('ready');
}
setInterval((): void => {}, 1000);
