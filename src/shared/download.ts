// A file handed out once through a download link (a campaign's CSV export): made when it is opened, streamed.

export interface Download {
  fileName: string;
  contentType: string;
  body: AsyncIterable<string>;
}
