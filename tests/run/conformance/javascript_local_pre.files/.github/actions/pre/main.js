const fs = require('fs');
if (fs.existsSync(process.env['RUNNER_TEMP'] + '/pre-ran')) {
  console.log('::error::pre ran for a local action');
  process.exit(1);
}
