const fs = require('fs');
const major = process.versions.node.split('.')[0];
fs.appendFileSync(process.env['GITHUB_OUTPUT'], `node=${major}\n`);
