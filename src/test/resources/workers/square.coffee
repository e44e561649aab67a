# A CoffeeScript app: prints a line and stays up.
square = (x) -> x * x
console.log "coffee says #{square 7}"
setInterval (->), 1000
