// An OpenAI-shaped upstream for scripts/bench-gateway.sh: answers POST /v1/chat/completions at once with a fixed
// chat completion (usage included), the same answer as jouletrace-bench's UpstreamStandIn. Node's http server keeps
// the stand-in's own cost small (p50 ~0.05 ms), so what the proxies add stands out.
//   node scripts/upstream-stand-in.mjs PORT
import http from "node:http";

let ids = 0;
const server = http.createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    const body = `{"id":"chatcmpl-${++ids}","object":"chat.completion","created":1753500000,"model":"gpt-4o-mini","choices":`
      + `[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],`
      + `"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500}}`;
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    response.end(body);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.argv[2]), "127.0.0.1", () => console.log(`upstream stand-in on 127.0.0.1:${process.argv[2]}`));
