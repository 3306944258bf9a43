/**
 * Demo data in the SourceDeploy API's own shape (flat or `{"result": …}`, ids as numbers or strings,
 * exactly as the fixtures in the shared fixture set show it). Not normalized on purpose: the demo
 * runs every body through ./schemas.ts, so serving demo data exercises the real parser.
 * Names and values are invented.
 */

/** 41027/903344: a failed Server deployment (flat body, config as an array). */
export const SERVER_FAIL: unknown = {
  project: { id: 41027, name: "shop-api" },
  stage: { id: 5183, name: "prod-web" },
  scenario: { id: 7712, name: "web-release-sequential" },
  id: 903344,
  status: "fail",
  executor: "hyejin.park",
  startTime: 1772600767000,
  endTime: 1772600890000,
  type: "Server",
  config: [
    {
      strategy: "normal",
      file: { selected: "shop-api-build", type: "SourceBuild" },
      targets: [
        {
          server: { no: 21880451, name: "web-01" },
          status: "success",
          time: { pre: 1772600769000, deploy: 1772600791000, post: 1772600822000 },
          step: { pre: "success", deploy: "success", post: "success" },
        },
        {
          server: { no: 21880452, name: "web-02" },
          status: "fail",
          time: { pre: 1772600825000, deploy: 1772600844000 },
          step: { pre: "success", deploy: "fail" },
        },
        {
          server: { no: 21880453, name: "web-03" },
          status: "no progress",
          time: {},
          step: {},
        },
      ],
    },
  ],
};

/** 41027/904611: a running Server deployment (wrapped, string ids, file.file, top-level strategy). */
export const SERVER_INPROGRESS: unknown = {
  result: {
    project: { id: 41027, name: "shop-api" },
    stage: { id: 5183, name: "prod-web" },
    scenario: { id: 7712, name: "web-release-sequential" },
    id: "904611",
    status: "inprogress",
    strategy: "normal",
    executor: "hyejin.park",
    startTime: 1772978400000,
    endTime: null,
    type: "Server",
    config: [
      {
        strategy: "normal",
        file: { file: "shop-api-build", type: "SourceBuild" },
        targets: [
          {
            server: { no: "21880451", name: "web-01" },
            status: "success",
            time: { pre: 1772978402000, deploy: 1772978430000, post: 1772978465000 },
            step: { pre: "success", deploy: "success", post: "success" },
          },
          {
            server: { no: "21880452", name: "web-02" },
            status: "deploy",
            time: { pre: 1772978467000, deploy: 1772978500000 },
            step: { pre: "success", deploy: "inprogress" },
          },
          {
            server: { no: "21880453", name: "web-03" },
            status: "standby",
            time: {},
            step: {},
          },
          {
            server: { no: "21880454", name: "web-04" },
            status: "pending",
          },
        ],
      },
    ],
  },
};

/** 41027/903501: an AutoScalingGroup blue-green deployment (config as an object). */
export const ASG_BLUEGREEN: unknown = {
  project: { id: 41027, name: "shop-api" },
  stage: { id: 5190, name: "prod-asg" },
  scenario: { id: 7731, name: "asg-bluegreen-release" },
  id: 903501,
  status: "success",
  executor: "minsu.kang",
  startTime: 1772672400000,
  endTime: 1772672800000,
  type: "AutoScalingGroup",
  config: {
    strategy: "blueGreen",
    autoScalingGroup: { no: 880211, name: "shop-api-green" },
    file: { selected: "releases/shop-api-2.14.0.zip", type: "ObjectStorage" },
    targets: [
      {
        server: { no: 21990101, name: "shop-api-green-7f3a" },
        status: "success",
        time: { pre: 1772672404000, deploy: 1772672470000, post: 1772672550000 },
        step: { pre: "success", deploy: "success", post: "success" },
      },
      {
        server: { no: 21990102, name: "shop-api-green-9c1d" },
        status: "success",
        time: { pre: 1772672685000, deploy: 1772672702000, post: 1772672800000 },
        step: { pre: "success", deploy: "success", post: "success" },
      },
    ],
  },
};

/** 41100/904120: a KubernetesService canary deployment under analysis (single target). */
export const K8S_CANARY: unknown = {
  project: { id: 41100, name: "catalog-svc" },
  stage: { id: 5244, name: "prod-nks" },
  scenario: { id: 7802, name: "nks-canary" },
  id: 904120,
  status: "canary_analyzing",
  executor: "ops-bot-subaccount",
  startTime: 1772785800000,
  endTime: null,
  type: "KubernetesService",
  config: {
    strategy: "canary",
    targets: {
      time: { pre: 1772785803000, deploy: 1772785840000 },
      step: { pre: "success", deploy: "inprogress" },
    },
  },
};

/** 41152/904388: an ObjectStorage upload with a backup file (wrapped, single target). */
export const OBJECT_STORAGE: unknown = {
  result: {
    project: { id: 41152, name: "storefront-web" },
    stage: { id: 5301, name: "static-prod" },
    scenario: { id: 7850, name: "upload-static-assets" },
    id: 904388,
    status: "success",
    executor: "jiwoo.lee",
    startTime: 1772882100000,
    endTime: 1772882141000,
    type: "ObjectStorage",
    config: {
      file: { selected: "storefront-build", type: "SourceBuild" },
      targets: {
        time: { pre: 1772882102000, deploy: 1772882120000 },
        step: { pre: "success", deploy: "success" },
      },
      backupFile: "backup/storefront-web/20260307-173502.zip",
    },
  },
};

/** `GET /project/41027/history`, wrapped, newest first. */
export const SHOP_API_HISTORY_LIST: unknown = {
  result: {
    historyList: [
      {
        project: { id: 41027, name: "shop-api" },
        stage: { id: 5183, name: "prod-web" },
        scenario: { id: 7712, name: "web-release-sequential" },
        id: "904611",
        startTime: 1772978400000,
        status: "inprogress",
      },
      {
        project: { id: 41027, name: "shop-api" },
        stage: { id: 5190, name: "prod-asg" },
        scenario: { id: 7731, name: "asg-bluegreen-release" },
        id: "903501",
        startTime: 1772672400000,
        status: "success",
      },
      {
        project: { id: 41027, name: "shop-api" },
        stage: { id: 5183, name: "prod-web" },
        scenario: { id: 7712, name: "web-release-sequential" },
        id: "903344",
        startTime: 1772600767000,
        status: "fail",
      },
    ],
  },
};

/** `GET /project`, flat. */
export const PROJECT_LIST: unknown = {
  projectList: [
    { id: 41027, name: "shop-api" },
    { id: 41100, name: "catalog-svc" },
    { id: 41152, name: "storefront-web" },
  ],
};

/** Every demo history detail body. */
export const HISTORY_BODIES: readonly unknown[] = [SERVER_FAIL, SERVER_INPROGRESS, ASG_BLUEGREEN, K8S_CANARY, OBJECT_STORAGE];

/** History list bodies served as they are; projects not listed here get a list built from HISTORY_BODIES. */
export const HISTORY_LIST_BODIES: Readonly<Record<string, unknown>> = { "41027": SHOP_API_HISTORY_LIST };
