// A real OpenID Connect provider for the tests: the certified `oidc-provider` package
// (package.json), on a port the OS picks, with one client and two users. Started by
// tests/oidc/provider.py; prints {"issuer": ...} once it listens.
//
//   node provider.mjs '<json config>'
//   config: {"client_id", "client_secret", "redirect_uri",
//            "users": {"<login>": {"email", "email_verified", "name"}}}
import http from "node:http";
import Provider from "oidc-provider";

const config = JSON.parse(process.argv[2]);
const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: config.client_id,
        client_secret: config.client_secret,
        redirect_uris: [config.redirect_uri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    // Every authorization-code request must carry an S256 code challenge.
    pkce: { required: () => true },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "preferred_username"],
    },
    async findAccount(ctx, id) {
      const user = config.users[id];
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, preferred_username: id, ...user };
        },
      };
    },
    // The package's own login and consent pages (any password: the user is the login).
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["tests-only-cookie-key"] },
  });
  provider.proxy = false;
  server.on("request", provider.callback());
  process.stdout.write(JSON.stringify({ issuer }) + "\n");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
