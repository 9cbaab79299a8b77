const fs = require("fs");
const who = process.env["INPUT_WHO_IS"];
if (who !== "node") { console.log("::error::unexpected input " + who); process.exit(1); }
fs.appendFileSync(process.env.GITHUB_OUTPUT, "said=hi " + who + "\n");
fs.appendFileSync(process.env.GITHUB_STATE, "started=yes\n");
