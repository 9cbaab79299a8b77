require('fs').writeFileSync(process.env['RUNNER_TEMP'] + '/pre-ran', 'yes');
