import { UserFacingError } from '../../../../protocol/errors.js';
import type { DoctorCheckProvider } from '../context.js';

/**
 * Whether jobs that ask for the internet can be fenced off from this PC and its network. The check does what a
 * job's start does (sets the fence up and reads it back), so what it reports is what the next job will meet.
 */
export const egressChecks: DoctorCheckProvider = (context) => {
  const { engineConnector, egressGuardFor } = context;
  if (!engineConnector || !egressGuardFor) return [];
  return [
    {
      id: 'egress-guard',
      title: 'Internet jobs fenced off',
      async run() {
        const connection = await engineConnector.connect();
        if (!connection.ok) return { status: 'warn', summary: 'Not checked: there is no container engine to ask.', fix: 'Fix the container engine first.' };
        try {
          const attachment = await egressGuardFor(connection.engine, connection.info).prepare();
          return {
            status: 'ok',
            summary: `Jobs with internet access run on the "${attachment.network}" network; firewall rules keep them from this PC, your home network and cloud metadata (checked just now).`,
            fix: null,
          };
        } catch (error) {
          if (error instanceof UserFacingError) return { status: 'warn', summary: error.message, fix: error.nextStep };
          throw error;
        }
      },
    },
  ];
};
