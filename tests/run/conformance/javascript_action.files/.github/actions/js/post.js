const fs = require("fs");
if (process.env.STATE_started !== "yes") { process.exit(2); }
fs.writeFileSync(process.env.RUNNER_TEMP + "/../post-ran", "yes");
