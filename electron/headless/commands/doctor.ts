import { formatDoctorReport } from '../../core/doctor/index.js';
import { dataDirOption, jsonOption, parseCli, printJson, resolveDataDir, type CliCommand } from '../cli-kit.js';
import { createHeadlessDoctor } from '../../compose/node-wiring.js';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  usage: 'offhours doctor [--json] [--data-dir DIR]',
  async run(argv) {
    const { values } = parseCli(argv, { ...jsonOption, ...dataDirOption });
    if (!values.json) process.stdout.write('Checking this PC…\n');
    const report = await createHeadlessDoctor(resolveDataDir(values['data-dir'])).run();
    if (values.json) printJson(report);
    else process.stdout.write(formatDoctorReport(report));
    return report.worst === 'fail' ? 1 : 0;
  },
};
