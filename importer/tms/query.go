package tms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// ProductQuery is POST /Product/QueryList: a read-only request with the
// same headers and signature as /Cust/Add, answering Status and
// ErrorCode like it. It creates nothing, so a connection test may send
// it as often as it needs.
var ProductQuery = Endpoint{Path: "/Product/QueryList"}

// Query is one read-only request of a connection test.
type Query struct {
	// Codes are the product codes asked for (the body's ICODES).
	Codes []string
	// Recipe signs the request; the zero Recipe means the client's.
	Recipe Recipe
	// Offset is added to the local clock for api-timestamp (the server's
	// clock minus ours, once known); 0 signs with the local clock.
	Offset time.Duration
}

// Answer is what a connection test reads of one answer.
type Answer struct {
	// Response is the decoded answer (Status "S", or "E" with TMS's
	// ErrorCode and ErrorMessage).
	Response Response
	// Date is the server's Date header, "" when it sent none.
	Date string
	// Received is the local clock when the answer came.
	Received time.Time
}

// queryRequest is the JSON body of /Product/QueryList.
type queryRequest struct {
	ICODES []string `json:"ICODES"`
}

// QueryProducts sends one POST /Product/QueryList for q.Codes and
// returns the answer with the server's Date header. Unlike Do, it sends
// exactly one request: a 9003 (timestamp) answer is returned as it is and
// the client's learnt clock offset is neither used nor changed, so a
// connection test sees this computer's clock as it is. Failures are
// *Error values classified as Do's.
func (c *Client) QueryProducts(ctx context.Context, q Query) (Answer, error) {
	codes := q.Codes
	if codes == nil {
		codes = []string{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(queryRequest{ICODES: codes}); err != nil {
		return Answer{}, &Error{Class: Permanent, Kind: KindOther, Err: fmt.Errorf("cannot encode the query as JSON: %w", err)}
	}
	recipe := q.Recipe
	if recipe == (Recipe{}) {
		recipe = c.recipe
	} else if err := recipe.valid(); err != nil {
		return Answer{}, &Error{Class: Permanent, Kind: KindOther, Err: err}
	}
	resp, date, err := c.attempt(ctx, ProductQuery.Path, bytes.TrimSuffix(buf.Bytes(), []byte("\n")), recipe, q.Offset)
	return Answer{Response: resp, Date: date, Received: c.now()}, err
}
