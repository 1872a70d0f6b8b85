// The ceiling for the throughput benchmark: node:http alone, reading the same request body and
// answering the same JSON as a Draw64 draw, with no routing, validation, storage or telemetry.
import http from 'node:http'

const answer = JSON.stringify({
  image: { id: 'bench', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', updateCount: 1 },
})

http
  .createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) })
      response.end(answer)
    })
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
