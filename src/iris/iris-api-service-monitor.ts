import { Construct } from 'constructs';
import { ApplicationServiceMonitor } from '../application/application-service-monitor';
import { MonitoredApplicationOverrides, withOverrides } from '../application/monitored-application';
import { IrisApi } from './iris-api';

/** Props of {@link IrisApiServiceMonitor}. */
export interface IrisApiServiceMonitorProps {
  /**
   * Namespace of the Iris API and of the ServiceMonitor.
   * @default - the chart's namespace, else 'mlops'
   */
  readonly namespace?: string;
  /**
   * Overrides of the Iris API description (Service name, port name, path, interval).
   * @default - Service `iris-api-service`, port `http`, path `/metrics`
   */
  readonly application?: MonitoredApplicationOverrides;
}

/** The `iris-api` ServiceMonitor, for clusters running the Prometheus Operator. */
export class IrisApiServiceMonitor extends ApplicationServiceMonitor {
  constructor(scope: Construct, id: string, props: IrisApiServiceMonitorProps = {}) {
    super(scope, id, {
      application: withOverrides(IrisApi.APPLICATION, { ...(props.namespace ? { namespace: props.namespace } : {}), ...props.application }),
      namespace: props.namespace,
    });
  }
}
